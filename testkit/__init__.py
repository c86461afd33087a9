"""Helpers shared by tests/ and benchmarks/: a recording Bot API request and update builders
(``botkit``), what residents might type (``fuzzing``), and questions about the bundled page
(``questions``). Not part of the installed package."""
