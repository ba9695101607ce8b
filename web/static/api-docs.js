// Starts the Swagger UI viewer on /api/docs. It is served from this site (the
// fastapi-offline package), so the page needs no inline script and no CDN, and the
// validator badge, which would call validator.swagger.io, is switched off.
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  window.ui = window.SwaggerUIBundle({
    url: root.getAttribute("data-openapi-url"),
    dom_id: "#swagger-ui",
    layout: "BaseLayout",
    deepLinking: true,
    validatorUrl: null,
    presets: [window.SwaggerUIBundle.presets.apis],
  });
})();
