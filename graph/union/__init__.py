"""The union catalogue across members: clustering runs, matching quality, overlap reports, the alliance generator."""
