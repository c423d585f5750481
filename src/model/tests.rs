//! Unit tests of the model's phases.
