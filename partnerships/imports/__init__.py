"""Importing students, classes, class lists and caregivers from a school's student management
system: upload, map the columns, check (the preview), confirm."""
