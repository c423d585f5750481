//! Integration tests: real sites in temporary folders, built by the real
//! `cairn` binary. One binary (`it`) so cargo links once.

mod harness;

mod browser;
mod build;
mod claims;
mod data;
mod edits;
mod email;
mod errors;
mod evidence;
mod highlight;
mod images;
mod import;
mod incremental;
mod languages;
mod safe_html;
mod safety;
#[cfg(feature = "search")]
mod search;
mod serve;
mod social;
mod tools;
mod views;
