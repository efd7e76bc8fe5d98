"""The UI edge: cached loaders and shared chrome. Pages import from here; logic/ never does."""
