"""The provision matrix: each market's answers to the standard questions, its map and its exports."""
