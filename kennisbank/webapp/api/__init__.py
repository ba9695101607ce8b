"""The JSON API: routes, closed response models and the offline API docs."""
