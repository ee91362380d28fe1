//! Financing: the regional tariffs per year, quarterly payment statements
//! to the cent, and corrections of approved statements. Pure rules; the
//! store freezes approved statements and the web layer shows them.

pub mod correction;
pub mod money;
pub mod quarter;
pub mod statement;
pub mod tariff;

pub use money::Cents;
pub use quarter::Quarter;
pub use statement::{Line, LineKind, Statement, UncountedPractice, ZeroReason};
pub use tariff::{Tariff, Tariffs};
