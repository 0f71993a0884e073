"""Notifications: the product's events turned into messages a merchant controls (types
on/off, templates in 22 languages, branding, providers with fallback), delivered once
per cause and logged."""
