"""InfraKitchen service: templates, resources, runs and audit behind a REST API."""
