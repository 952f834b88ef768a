"""The `supplies` command line for dispatchers (Click); the entry point is cli.main:main."""
