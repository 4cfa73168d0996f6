//! Expression-of-interest types: what the sender writes, what the owner answers, and who sees
//! which contact details.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::http::params::{self, Limit};
use crate::http::{ApiError, Cursor};
use coop_domain::interests::{InterestStatus, Side};
use coop_domain::text::{self, Lines};
use coop_domain::{Errors, contact};
use coop_store::interests::InterestRow;

pub const MAX_MESSAGE: usize = 5000;
pub const MAX_NAME: usize = 200;

/// Who to talk to on one side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Ekaterina Bereziy", "email": "partners@exoatlet.example", "phone": "+7 495 123-45-67"}))]
pub struct Contact {
    /// One line of at most 200 characters.
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub name: String,
    #[schema(
        max_length = 254,
        pattern = r"^[^@\s\u0000-\u001f\u007f-\u009f]+@[^@\s\u0000-\u001f\u007f-\u009f]+\.[^@\s\u0000-\u001f\u007f-\u009f]+$"
    )]
    #[serde(default)]
    pub email: Option<String>,
    #[schema(pattern = r"^\+?[0-9][0-9 ().-]{2,31}$")]
    #[serde(default)]
    pub phone: Option<String>,
}

impl Contact {
    fn parse(self, errors: &mut Errors, field: &str) -> Contact {
        let name = text::required(errors, &format!("{field}.name"), &self.name, MAX_NAME);
        let email = contact::email(errors, &format!("{field}.email"), self.email.as_deref());
        let phone = contact::phone(errors, &format!("{field}.phone"), self.phone.as_deref());
        Contact {
            name: name.unwrap_or_default(),
            email,
            phone,
        }
    }
}

/// A company's expression of interest in another company's offer. Contact details are shown
/// to the other side only once the interest is accepted; each side always sees its own.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "019abc12-3456-7def-8123-456789abcdef",
    "offer_id": "0190f5c4-8c21-7d3e-9a1b-2c3d4e5f6a7b",
    "company_id": "0190f5c4-6a2e-7cc1-8d1e-4c4b5a1f2e3d",
    "message": "We distribute rehabilitation equipment to 40 clinics in France and would like to discuss exclusivity.",
    "status": "accepted",
    "reply": "Welcome: let us meet at the Paris follow-up meetings.",
    "sender_contact": {"name": "Claire Martin", "email": "claire@medidistrib.example", "phone": null},
    "owner_contact": {"name": "Ekaterina Bereziy", "email": "partners@exoatlet.example", "phone": null},
    "created_at": "2026-11-26T06:17:12.123456Z",
    "updated_at": "2026-11-27T09:00:00Z",
    "decided_at": "2026-11-27T09:00:00Z"
}))]
pub struct Interest {
    pub id: Uuid,
    /// The offer this answers.
    pub offer_id: Uuid,
    /// The interested company (the sender).
    pub company_id: Uuid,
    pub message: String,
    pub status: InterestStatus,
    /// The owner's answer, if any.
    pub reply: Option<String>,
    /// The sender's contact: shown to the offer's owner once accepted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sender_contact: Option<Contact>,
    /// The owner's contact, given with the acceptance: shown to the sender once accepted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner_contact: Option<Contact>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// When it was accepted, declined or withdrawn.
    pub decided_at: Option<DateTime<Utc>>,
}

impl Interest {
    /// The interest as `side` may see it.
    pub fn view(row: InterestRow, side: Side) -> Interest {
        let accepted = row.status == InterestStatus::Accepted;
        let sender_contact = Contact {
            name: row.contact_name,
            email: row.contact_email,
            phone: row.contact_phone,
        };
        let owner_contact = row.owner_contact_name.map(|name| Contact {
            name,
            email: row.owner_contact_email,
            phone: row.owner_contact_phone,
        });
        let (show_sender, show_owner) = match side {
            Side::Staff => (true, true),
            Side::Sender => (true, accepted),
            Side::Owner => (accepted, true),
            Side::Outsider => (false, false),
        };
        Interest {
            id: row.id,
            offer_id: row.offer_id,
            company_id: row.company_id,
            message: row.message,
            status: row.status,
            reply: row.reply,
            sender_contact: show_sender.then_some(sender_contact),
            owner_contact: owner_contact.filter(|_| show_owner),
            created_at: row.created_at,
            updated_at: row.updated_at,
            decided_at: row.decided_at,
        }
    }
}

/// A new expression of interest.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "message": "We distribute rehabilitation equipment to 40 clinics in France and would like to discuss exclusivity.",
    "contact": {"name": "Claire Martin", "email": "claire@medidistrib.example"}
}))]
pub struct CreateInterest {
    /// The interested company. A company key may omit it (its own company) but not name
    /// another; editors and admins must give it.
    #[serde(default)]
    pub company_id: Option<Uuid>,
    /// What the company proposes; at most 5,000 characters.
    #[schema(min_length = 1, max_length = 5000)]
    pub message: String,
    /// Who the offer's owner should talk to, revealed to the owner once it accepts.
    pub contact: Contact,
}

impl CreateInterest {
    pub fn into_row(
        self,
        offer_id: Uuid,
        company_id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<InterestRow, ApiError> {
        let mut errors = Errors::default();
        let message = text::optional(
            &mut errors,
            "message",
            Some(&self.message),
            MAX_MESSAGE,
            Lines::Many,
        );
        if message.is_none() && errors.is_empty() {
            errors.add("message", "must not be empty");
        }
        let contact = self.contact.parse(&mut errors, "contact");
        errors.finish()?;
        Ok(InterestRow {
            id: Uuid::now_v7(),
            offer_id,
            company_id,
            message: message.unwrap_or_default(),
            contact_name: contact.name,
            contact_email: contact.email,
            contact_phone: contact.phone,
            status: InterestStatus::Pending,
            reply: None,
            owner_contact_name: None,
            owner_contact_email: None,
            owner_contact_phone: None,
            created_at: now,
            updated_at: now,
            decided_at: None,
        })
    }
}

/// A decision on a pending interest: the owner accepts (with its contact) or declines, the
/// sender withdraws.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "status": "accepted",
    "reply": "Welcome: let us meet at the Paris follow-up meetings.",
    "contact": {"name": "Ekaterina Bereziy", "email": "partners@exoatlet.example"}
}))]
pub struct DecideInterest {
    /// `accepted` or `declined` (the offer's owner), `withdrawn` (the sender).
    pub status: InterestStatus,
    /// The owner's answer; at most 5,000 characters.
    #[serde(default)]
    #[schema(max_length = 5000)]
    pub reply: Option<String>,
    /// Required with `accepted`: who the sender should talk to.
    #[serde(default)]
    pub contact: Option<Contact>,
}

impl DecideInterest {
    /// The decided row, if `side` may take this decision on `current`.
    pub fn apply(
        self,
        current: InterestRow,
        side: Side,
        now: DateTime<Utc>,
    ) -> Result<InterestRow, ApiError> {
        use InterestStatus::*;
        let allowed = match (self.status, side) {
            (Pending, _) => {
                return Err(ApiError::invalid(
                    "status",
                    "must be accepted, declined or withdrawn",
                ));
            }
            (Accepted | Declined, Side::Owner | Side::Staff) => true,
            (Withdrawn, Side::Sender | Side::Staff) => true,
            _ => false,
        };
        if !allowed {
            return Err(ApiError::forbidden(match self.status {
                Withdrawn => "only the interested company withdraws its interest",
                _ => "only the offer's owner accepts or declines an interest",
            }));
        }
        if current.status != Pending {
            let from: &'static str = current.status.into();
            return Err(ApiError::conflict(format!(
                "the interest is already {from}; only a pending interest can change"
            )));
        }
        let mut errors = Errors::default();
        let reply = text::optional(
            &mut errors,
            "reply",
            self.reply.as_deref(),
            MAX_MESSAGE,
            Lines::Many,
        );
        if self.status == Withdrawn && reply.is_some() {
            errors.add("reply", "is the owner's answer; a withdrawal has none");
        }
        let contact = match (self.status, self.contact) {
            (Accepted, Some(contact)) => Some(contact.parse(&mut errors, "contact")),
            (Accepted, None) => {
                errors.add("contact", "is required to accept: the sender will see it");
                None
            }
            (_, Some(_)) => {
                errors.add("contact", "is given only when accepting");
                None
            }
            (_, None) => None,
        };
        errors.finish()?;
        Ok(InterestRow {
            status: self.status,
            reply,
            owner_contact_name: contact.as_ref().map(|c| c.name.clone()),
            owner_contact_email: contact.as_ref().and_then(|c| c.email.clone()),
            owner_contact_phone: contact.and_then(|c| c.phone),
            updated_at: now,
            decided_at: Some(now),
            ..current
        })
    }
}

/// Query parameters of the interest list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InterestListParams {
    /// Only interests in this state.
    #[serde(default, deserialize_with = "params::one_of")]
    #[param(inline)]
    pub status: Option<InterestStatus>,
    /// Only those changed at or after this time (RFC 3339).
    #[serde(default, deserialize_with = "params::timestamp")]
    #[param(example = "2019-11-14T00:00:00Z")]
    pub updated_since: Option<chrono::DateTime<chrono::Utc>>,
    /// Page size, 1 to 100.
    #[serde(default)]
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100, example = 20)]
    pub limit: Limit,
    /// `next_cursor` of the previous page.
    #[serde(default, deserialize_with = "params::cursor")]
    #[param(value_type = Option<String>)]
    pub cursor: Option<Cursor>,
}
