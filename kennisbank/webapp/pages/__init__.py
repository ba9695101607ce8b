"""The HTML pages: routes, their typed contexts, navigation, parameters, handouts."""
