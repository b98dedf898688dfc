"""The end of a school year: leavers, and moving everyone up into next year's classes."""
