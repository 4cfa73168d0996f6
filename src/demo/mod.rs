//! The demo dataset: the Moscow–Paris teleconference "Moscou : solutions numériques pour la
//! ville et les entreprises" as reported in French (the data is in `data.rs`), with its
//! venues, agenda, speakers, organisations, startups, a follow-up meeting and a few
//! illustrative cooperation offers.
//!
//! The report gives no date, so the event carries an explicit illustrative date (14 November
//! 2019, 13:00–17:00 in Moscow) and says so. Every row has a fixed id derived from its name,
//! and is inserted with ON CONFLICT DO NOTHING, so seeding twice creates nothing new.

mod data;

use chrono::{DateTime, TimeZone, Utc};
use coop_domain::events::{EventFormat, EventKind, EventStatus, ParticipantRole, SpeakerRole};
use coop_domain::offers::{CooperationType, OfferKind, OfferStatus};
use diesel::result::QueryResult;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use uuid::Uuid;

use data::{AGENDA, ILLUSTRATIVE_OFFER, ORGANISATIONS, Pitch, SPEAKERS, STARTUPS};

use crate::companies::types::CreateCompany;
use crate::events::types::CreateEvent;
use crate::http::ApiError;
use crate::offers::types::CreateOffer;
use crate::speakers::types::CreateSpeaker;
use coop_domain::Errors;
use coop_store::event_parts::appearances::Appearance;
use coop_store::event_parts::participants::Participant;
use coop_store::event_parts::sessions::Session;
use coop_store::event_parts::venues::Venue;
use coop_store::sectors::SectorCatalog;
use coop_store::seed::{Rows, insert_absent};

const NAMESPACE: Uuid = Uuid::from_u128(0x5f0c_3c2e_8a41_4b7e_9d0a_71c1_2e5b_9a33);

/// The fixed id of a demo entity.
pub fn id(key: &str) -> Uuid {
    Uuid::new_v5(&NAMESPACE, key.as_bytes())
}

/// The id of the demo teleconference.
pub fn teleconference_id() -> Uuid {
    id("event:teleconference")
}

fn at(h: u32, m: u32) -> DateTime<Utc> {
    // 14 November 2019 (illustrative), in UTC: Moscow is UTC+3, Paris UTC+1.
    Utc.with_ymd_and_hms(2019, 11, 14, h, m, 0)
        .single()
        .unwrap_or_default()
}

/// What a seeding run created.
#[derive(Debug, Default)]
pub struct Seeded {
    pub rows: usize,
}

/// Loads the demo dataset; rows that already exist are left as they are.
pub async fn seed(
    conn: &mut AsyncPgConnection,
    catalog: &SectorCatalog,
) -> Result<Seeded, ApiError> {
    let catalog = catalog.clone();
    conn.transaction::<_, ApiError, _>(async |conn| {
        let now = Utc::now();
        let mut rows = 0;
        for (key, name, native, kind, country, city, sectors, description) in ORGANISATIONS {
            let row = CreateCompany {
                name: name.to_string(),
                native_name: native.map(str::to_string),
                kind: *kind,
                country: country.to_string(),
                city: city.map(str::to_string),
                website: None,
                description: Some(description.to_string()),
                sectors: sectors.iter().map(|s| s.to_string()).collect(),
                external_id: None,
            }
            .parse(&catalog, Errors::default())?
            .into_row(id(&format!("company:{key}")), now, now);
            rows += insert_absent(conn, Rows::Companies(std::slice::from_ref(&row))).await?;
        }
        for (key, full_name, native, position, org, country) in SPEAKERS {
            let row = CreateSpeaker {
                full_name: full_name.to_string(),
                native_name: native.map(str::to_string),
                position: Some(position.to_string()),
                company_id: Some(id(&format!("company:{org}"))),
                country: Some(country.to_string()),
                bio: None,
                links: Vec::new(),
                email: None,
                phone: None,
                external_id: None,
            }
            .parse(Errors::default())?
            .into_row(id(&format!("speaker:{key}")), now, now);
            rows += insert_absent(conn, Rows::Speakers(std::slice::from_ref(&row))).await?;
        }
        let event_id = teleconference_id();
        let event = CreateEvent {
            title: "Moscou : solutions numériques pour la ville et les entreprises".into(),
            description: Some("Téléconférence de quatre heures entre Moscou et Paris organisée par le Département des relations économiques extérieures et internationales du gouvernement de Moscou, avec le soutien de la CCI France Russie et de l'Université de gestion de la ville de Moscou. Près de 150 personnes à Moscou, environ 60 hommes d'affaires et étudiants à l'Aéro-Club de France. The report gives no date: 14 November 2019 is illustrative.".into()),
            kind: EventKind::Teleconference,
            format: EventFormat::Hybrid,
            status: Some(EventStatus::Completed),
            starts_at: at(10, 0),
            ends_at: at(14, 0),
            timezone: "Europe/Moscow".into(),
            languages: vec!["ru".into(), "fr".into()],
            sectors: vec!["smart-city".into(), "it".into(), "mobility".into(), "healthcare".into(), "education".into(), "medtech".into()],
            external_id: None,
        }
        .parse(&catalog, Errors::default())?
        .into_row(event_id, now, now);
        rows += insert_absent(conn, Rows::Events(std::slice::from_ref(&event))).await?;
        let follow_up_id = id("event:follow-up-health");
        let follow_up = CreateEvent {
            title: "Rencontres Moscou–Paris sur l'innovation en santé".into(),
            description: Some("En prolongement de la téléconférence, la CCI France Russie a organisé pour le gouvernement de Moscou et le département de la Santé des rencontres avec la Mairie de Paris, des hôpitaux de ville, des représentants des autorités et des entreprises de l'innovation en santé. The report gives no date: 15 November 2019 is illustrative.".into()),
            kind: EventKind::B2bMeetings,
            format: EventFormat::InPerson,
            status: Some(EventStatus::Completed),
            starts_at: Utc.with_ymd_and_hms(2019, 11, 15, 8, 0, 0).single().unwrap_or_default(),
            ends_at: Utc.with_ymd_and_hms(2019, 11, 15, 16, 0, 0).single().unwrap_or_default(),
            timezone: "Europe/Paris".into(),
            languages: vec!["ru".into(), "fr".into()],
            sectors: vec!["healthcare".into(), "pharma".into()],
            external_id: None,
        }
        .parse(&catalog, Errors::default())?
        .into_row(follow_up_id, now, now);
        rows += insert_absent(conn, Rows::Events(std::slice::from_ref(&follow_up))).await?;

        let venues = [
            Venue { id: id("venue:moscow"), event_id, name: "Université de gestion du gouvernement de Moscou".into(), address: None, city: "Moscow".into(), country: "RU".into(), timezone: "Europe/Moscow".into(), capacity: None, attendance: Some(150), created_at: now, updated_at: now },
            Venue { id: id("venue:paris"), event_id, name: "Aéro-Club de France".into(), address: Some("rue Galilée, Paris".into()), city: "Paris".into(), country: "FR".into(), timezone: "Europe/Paris".into(), capacity: None, attendance: Some(60), created_at: now + chrono::Duration::microseconds(1), updated_at: now },
            Venue { id: id("venue:follow-up"), event_id: follow_up_id, name: "Paris".into(), address: None, city: "Paris".into(), country: "FR".into(), timezone: "Europe/Paris".into(), capacity: None, attendance: None, created_at: now, updated_at: now },
        ];
        rows += insert_absent(conn, Rows::Venues(&venues)).await?;

        for (position, (key, title, description, start, end, people)) in AGENDA.iter().enumerate() {
            let session = Session {
                id: id(&format!("session:{key}")),
                event_id,
                venue_id: None,
                title: title.to_string(),
                description: Some(description.to_string()),
                starts_at: at(start.0, start.1),
                ends_at: at(end.0, end.1),
                position: position as i32 + 1,
                created_at: now,
                updated_at: now,
            };
            rows += insert_absent(conn, Rows::Sessions(std::slice::from_ref(&session))).await?;
            for person in *people {
                let appearance = Appearance {
                    id: id(&format!("appearance:{key}:{person}")),
                    event_id,
                    speaker_id: id(&format!("speaker:{person}")),
                    session_id: Some(session.id),
                    role: SpeakerRole::Speaker,
                    created_at: now,
                    updated_at: now,
                };
                rows += insert_absent(conn, Rows::Appearances(std::slice::from_ref(&appearance))).await?;
            }
        }
        for person in ["trousset", "soutormina"] {
            let moderator = Appearance {
                id: id(&format!("appearance:moderator:{person}")),
                event_id,
                speaker_id: id(&format!("speaker:{person}")),
                session_id: None,
                role: SpeakerRole::Moderator,
                created_at: now,
                updated_at: now,
            };
            rows += insert_absent(conn, Rows::Appearances(std::slice::from_ref(&moderator))).await?;
        }

        let mut participations: Vec<(Uuid, &str, ParticipantRole)> = vec![
            (event_id, "moscow-dfer", ParticipantRole::Organizer),
            (event_id, "cci-france-russie", ParticipantRole::Partner),
            (event_id, "moscow-university-of-management", ParticipantRole::Partner),
            (event_id, "russian-trade-representation-france", ParticipantRole::Presenter),
            (event_id, "moscow-cci", ParticipantRole::Presenter),
            (event_id, "skolkovo-foundation", ParticipantRole::Presenter),
            (event_id, "skolkovo-medical-cluster", ParticipantRole::Presenter),
            (event_id, "orange-business-services", ParticipantRole::Presenter),
            (event_id, "moscow-transport", ParticipantRole::Presenter),
            (event_id, "cpu", ParticipantRole::Presenter),
            (event_id, "moscow-health", ParticipantRole::Presenter),
            (event_id, "french-tech-moscow", ParticipantRole::Partner),
            (follow_up_id, "cci-france-russie", ParticipantRole::Organizer),
            (follow_up_id, "moscow-dfer", ParticipantRole::Attendee),
            (follow_up_id, "moscow-health", ParticipantRole::Attendee),
            (follow_up_id, "mairie-de-paris", ParticipantRole::Attendee),
        ];
        participations.extend(STARTUPS.iter().map(|s| (event_id, *s, ParticipantRole::Presenter)));
        for (event, org, role) in participations {
            let role_name: &'static str = role.into();
            let participant = Participant {
                id: id(&format!("participant:{event}:{org}:{role_name}")),
                event_id: event,
                company_id: id(&format!("company:{org}")),
                role,
                created_at: now,
                updated_at: now,
            };
            rows += insert_absent(conn, Rows::Participants(std::slice::from_ref(&participant))).await?;
        }

        let offers: [Pitch; 4] = [
            ("exoatlet", "exoatlet", OfferKind::TechnologyOffer, vec![CooperationType::Distribution, CooperationType::Licensing], "Exosquelette médical ExoAtlet : distributeurs et centres de rééducation recherchés en France", "Exosquelette médical pour la réadaptation des patients souffrant de troubles locomoteurs des membres inférieurs.", vec!["medtech", "healthcare"], vec!["FR"]),
            ("interact", "interact-software", OfferKind::BusinessOffer, vec![CooperationType::CommercialAgreement, CooperationType::TechnicalCooperation], "Interact Software : réduire les coûts informatiques des villes et entreprises russes", "Jusqu'à 25 % des ressources informatiques libérées pour d'autres projets d'investissement.", vec!["it", "smart-city"], vec!["RU"]),
            ("skolkovo-cluster", "skolkovo-medical-cluster", OfferKind::BusinessRequest, vec![CooperationType::JointVenture, CooperationType::ResearchCooperation], "Cluster médical de Skolkovo : entreprises de biotechnologies et de médecine IT recherchées", "Le cluster, qui compte déjà de nombreuses sociétés étrangères, souhaite attirer des entreprises du secteur des biotechnologies et de la médecine IT.", vec!["biotech", "healthcare", "it"], vec!["FR"]),
            ("topfranchise", "topfranchise", OfferKind::BusinessOffer, vec![CooperationType::Franchise], "TopFranchise.ru : catalogue en ligne de franchises pour les PME", "Franchiseurs français : présentez vos réseaux aux PME russes.", vec!["franchising"], vec!["FR"]),
        ];
        for (key, org, kind, types, title, summary, sectors, targets) in offers {
            let row = CreateOffer {
                company_id: id(&format!("company:{org}")),
                kind,
                cooperation_types: types,
                title: title.into(),
                summary: Some(summary.into()),
                description: Some(ILLUSTRATIVE_OFFER.into()),
                sectors: sectors.into_iter().map(str::to_string).collect(),
                target_countries: targets.into_iter().map(str::to_string).collect(),
                language: Some("fr".into()),
                status: Some(OfferStatus::Published),
                valid_until: None,
                event_id: Some(event_id),
                // The company's own reference, as an import would bring it.
                external_id: Some(format!("demo-{key}")),
            }
            .parse(&catalog, Errors::default())?
            .into_row(id(&format!("offer:{key}")), now, now, None);
            rows += insert_absent(conn, Rows::Offers(std::slice::from_ref(&row))).await?;
        }
        Ok(Seeded { rows })
    })
    .await
}

/// Whether the database holds no event yet (`serve --demo` seeds only then).
pub async fn is_empty(conn: &mut AsyncPgConnection) -> QueryResult<bool> {
    coop_store::events::none(conn).await
}
