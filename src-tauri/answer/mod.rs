//! An answer on its way from the API to the window and the history.

pub mod relay;
