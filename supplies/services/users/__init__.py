"""Users, their roles and scopes, and their passwords."""
