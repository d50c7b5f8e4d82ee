"""Skills: credential types and their builders, baking credentials into badge images."""
