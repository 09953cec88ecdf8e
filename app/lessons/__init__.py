"""The lessons: one TOML file each in this folder (see app/lesson_book.py for their format)."""
