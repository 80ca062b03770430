"""The public catalogue of practices (issue #11 item 6)."""
