//! The use cases of `wijkregie_app` called directly, as a front end calls
//! them, on SQLite and on PostgreSQL: what they read, decide and log.

mod reads;
