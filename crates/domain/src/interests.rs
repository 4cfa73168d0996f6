//! Expressions of interest in an offer.

use uuid::Uuid;

use crate::access::{Caller, Scope};
use crate::text_enum::text_enum;

text_enum!(
    /// `pending` until the offer's owner accepts or declines it, or the sender withdraws it.
    InterestStatus { Pending, Accepted, Declined, Withdrawn }
);

/// The side a caller is on, for one interest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Staff,
    Owner,
    Sender,
    /// Anyone else: the interest does not exist for them.
    Outsider,
}

impl Side {
    pub fn of(caller: &Caller, offer_owner: Uuid, sender: Uuid) -> Side {
        match caller.scope() {
            Scope::All => Side::Staff,
            Scope::Company(c) if c == offer_owner => Side::Owner,
            Scope::Company(c) if c == sender => Side::Sender,
            _ => Side::Outsider,
        }
    }
}
