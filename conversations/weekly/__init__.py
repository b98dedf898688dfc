"""The weekly update home: written by each student, sent to whānau, replied to."""
