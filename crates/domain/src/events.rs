//! Events and the parts people and companies play in them.

use crate::access::Caller;
use crate::text_enum::{key_enum, text_enum};

text_enum! {
    /// What kind of event this is.
    EventKind {
        Conference,
        Teleconference,
        Forum,
        B2bMeetings,
        Exhibition,
        Webinar,
        PitchSession,
        RoundTable,
        TradeMission,
        Other,
    }
}

text_enum! {
    /// Where people attend: in a hall, online, or both.
    EventFormat {
        InPerson,
        Online,
        Hybrid,
    }
}

text_enum! {
    /// Planning state of the event.
    EventStatus {
        Draft,
        Scheduled,
        Cancelled,
        Completed,
    }
}

text_enum! {
    /// The part a speaker plays.
    SpeakerRole {
        Speaker,
        Moderator,
        Panelist,
        Host,
    }
}

text_enum! {
    /// The part a company plays at an event.
    ParticipantRole {
        Organizer,
        CoOrganizer,
        Partner,
        Sponsor,
        Exhibitor,
        Presenter,
        Attendee,
    }
}

impl EventStatus {
    /// Drafts are for editors and admins; everyone else sees only announced events.
    pub fn is_visible_to(self, caller: &Caller) -> bool {
        self != EventStatus::Draft || caller.is_staff()
    }
}

key_enum! {
    /// Sort orders of the event list.
    #[derive(Default)]
    EventSort {
        /// Earliest first (the default).
        #[default]
        StartsAt = "starts_at",
        /// Latest first.
        StartsAtDesc = "-starts_at",
        /// Least recently changed first: with `updated_since`, what a sync reads.
        UpdatedAt = "updated_at",
        /// Most recently changed first.
        UpdatedAtDesc = "-updated_at",
    }
}

impl EventSort {
    pub fn descending(self) -> bool {
        matches!(self, EventSort::StartsAtDesc | EventSort::UpdatedAtDesc)
    }

    /// Whether the sort key is the time of the last change rather than the start.
    pub fn by_update(self) -> bool {
        matches!(self, EventSort::UpdatedAt | EventSort::UpdatedAtDesc)
    }
}
