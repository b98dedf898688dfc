"""Conversation pages, by subject: learning conversations, and rounds with their bookings."""
