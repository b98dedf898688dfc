"""Setting a school up from its own pages: its details, terms and languages, which school a
person is working in, and staff who leave."""
