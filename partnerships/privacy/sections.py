"""What the ground floor holds about a person, and a school's people, for exports."""
