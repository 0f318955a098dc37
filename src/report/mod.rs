//! Teacher-facing exports: the debrief of one game record (`debrief`) and the
//! summary of a folder of records, one per pair of students (`class_summary`), as
//! Markdown and CSV, with untrusted text escaped for each (`escape`).

pub mod class_summary;
pub mod debrief;
pub mod escape;

pub(crate) use escape::{csv_row, markdown as md, markdown_code as code};
