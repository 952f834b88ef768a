"""Places: storage points and the travel times between them."""
