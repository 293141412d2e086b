//! The GCM's vocabulary and rules, pure: no runtime, bus or transport. The
//! reference data (objectives, Member States, commissions, indicators) and
//! the statistics bundled with it, validation of every input, the aggregate
//! of a cycle, the cycle calendar and its deadlines, the revision rule, the
//! clock, and [`Refusal`], the domain's word for "no".

pub mod aggregate;
pub mod calendar;
pub mod clock;
pub mod dates;
pub mod refdata;
pub mod refusal;
pub mod revision;
pub mod statistics;
pub mod validate;

pub use refusal::Refusal;
