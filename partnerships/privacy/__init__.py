"""Privacy under the Privacy Act 2020: the school's notice (IPP 3), requests for information
(IPP 6) and its correction (IPP 7), consent for photos and recordings, retention (IPP 9), and
exports that answer a request or let a school leave.

The ground floor owns the requests, the policy and the exports; the apps above say what they
hold about a person, what may be corrected and what retention removes, through ``hooks``."""
