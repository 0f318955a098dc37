//! Teacher-facing exports: the debrief of one game record (`debrief`) and the
//! summary of a class's records (`class_summary`), as Markdown and CSV.
