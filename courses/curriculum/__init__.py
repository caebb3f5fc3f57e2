"""The curriculum: the shipped Markdown files (one folder per language), the
reader that parses and checks them, and the writer that publishes them as pages."""
