//! The change log's vocabulary and the rule of what a reader learns from a change.

use uuid::Uuid;

use crate::access::Scope;
use crate::text_enum::text_enum;

text_enum!(
    /// What changed: the resources of the API, each named as the change log stores it.
    ResourceType {
        Company,
        Speaker,
        Event,
        EventVenue,
        EventSession,
        EventSpeaker,
        EventParticipant,
        CooperationOffer,
        CooperationInterest,
    }
);

text_enum!(
    /// What happened to the resource, as the reader sees it: a change that makes a resource
    /// readable to them is its creation, one that hides it its deletion.
    ChangeOperation { Created, Updated, Deleted }
);

impl ResourceType {
    /// Where the API serves the resource `id` (`parent` is the event of an event part, the
    /// offer of an interest); `None` for a part without its parent.
    pub fn path(self, id: Uuid, parent: Option<Uuid>) -> Option<String> {
        let nested = |collection: &str, part: &str| {
            parent.map(|parent| format!("/api/v1/{collection}/{parent}/{part}/{id}"))
        };
        match self {
            Self::Company => Some(format!("/api/v1/companies/{id}")),
            Self::Speaker => Some(format!("/api/v1/speakers/{id}")),
            Self::Event => Some(format!("/api/v1/events/{id}")),
            Self::CooperationOffer => Some(format!("/api/v1/cooperation-offers/{id}")),
            Self::EventVenue => nested("events", "venues"),
            Self::EventSession => nested("events", "sessions"),
            Self::EventSpeaker => nested("events", "speakers"),
            Self::EventParticipant => nested("events", "participants"),
            Self::CooperationInterest => nested("cooperation-offers", "interests"),
        }
    }
}

/// The `types` parameter of the change feed, as the server parses it.
pub const TYPES_PATTERN: &str = r"^(company|speaker|event|event_venue|event_session|event_speaker|event_participant|cooperation_offer|cooperation_interest)(,(company|speaker|event|event_venue|event_session|event_speaker|event_participant|cooperation_offer|cooperation_interest))*$";

/// What a reader in `scope` learns from a change stored as `stored`, given whether anyone could
/// read the resource before and after it and which companies read it regardless; `None` when
/// the change is none of their business.
pub fn operation_seen(
    scope: Scope,
    stored: ChangeOperation,
    public_before: bool,
    public_after: bool,
    audience: &[Uuid],
) -> Option<ChangeOperation> {
    let sees_all = match scope {
        Scope::All => true,
        Scope::Company(company) => audience.contains(&company),
        Scope::Public => false,
    };
    if sees_all {
        return Some(stored);
    }
    match (public_before, public_after) {
        (false, false) => None,
        (false, true) => Some(ChangeOperation::Created),
        (true, false) => Some(ChangeOperation::Deleted),
        (true, true) => Some(stored),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ChangeOperation::*;

    #[test]
    fn the_types_pattern_names_every_resource_type() {
        use strum::VariantNames;
        let names = ResourceType::VARIANTS.join("|");
        assert_eq!(TYPES_PATTERN, format!("^({names})(,({names}))*$"));
    }

    #[test]
    fn a_resource_that_becomes_public_is_created_for_the_public_and_updated_for_its_owner() {
        let owner = Uuid::from_u128(1);
        let other = Uuid::from_u128(2);
        let audience = [owner];
        assert_eq!(
            operation_seen(Scope::Public, Updated, false, true, &audience),
            Some(Created)
        );
        assert_eq!(
            operation_seen(Scope::Company(other), Updated, false, true, &audience),
            Some(Created)
        );
        assert_eq!(
            operation_seen(Scope::Company(owner), Updated, false, true, &audience),
            Some(Updated)
        );
        assert_eq!(
            operation_seen(Scope::All, Updated, false, true, &audience),
            Some(Updated)
        );
    }

    #[test]
    fn a_resource_that_stops_being_public_is_deleted_for_the_public() {
        let audience = [Uuid::from_u128(1)];
        assert_eq!(
            operation_seen(Scope::Public, Updated, true, false, &audience),
            Some(Deleted)
        );
        assert_eq!(
            operation_seen(Scope::Public, Updated, true, true, &audience),
            Some(Updated)
        );
    }

    #[test]
    fn a_change_of_a_private_resource_reaches_only_its_companies_and_staff() {
        let audience = [Uuid::from_u128(1)];
        assert_eq!(
            operation_seen(Scope::Public, Created, false, false, &audience),
            None
        );
        assert_eq!(
            operation_seen(
                Scope::Company(Uuid::from_u128(2)),
                Created,
                false,
                false,
                &audience
            ),
            None
        );
        assert_eq!(
            operation_seen(
                Scope::Company(Uuid::from_u128(1)),
                Created,
                false,
                false,
                &audience
            ),
            Some(Created)
        );
        assert_eq!(
            operation_seen(Scope::All, Deleted, false, false, &audience),
            Some(Deleted)
        );
    }
}
