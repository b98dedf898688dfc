"""Date, time and number formats of the project's languages (``FORMAT_MODULE_PATH``).

Django has no formats for te reo Māori (``mi``), and for ``en`` it has American ones ("Dec. 1,
2026", "12/01/2026"); it has no ``en_NZ``. A New Zealand reader writes and reads the day first:
"1 December 2026", "1/12/2026", in either language.
"""
