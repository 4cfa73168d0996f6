//! The demo dataset: the Moscow–Paris teleconference "Moscou : solutions numériques pour la
//! ville et les entreprises" as reported in French (`shared/domain/article-fr.txt`), with its
//! venues, agenda, speakers, organisations, startups, a follow-up meeting and a few
//! illustrative cooperation offers.
//!
//! The report gives no date, so the event carries an explicit illustrative date (14 November
//! 2019, 13:00–17:00 in Moscow) and says so. Every row has a fixed id derived from its name,
//! and is inserted with ON CONFLICT DO NOTHING, so seeding twice creates nothing new.

use chrono::{DateTime, TimeZone, Utc};
use coop_domain::companies::CompanyKind;
use coop_domain::events::{EventFormat, EventKind, EventStatus, ParticipantRole, SpeakerRole};
use coop_domain::offers::{CooperationType, OfferKind, OfferStatus};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

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
use coop_store::schema::*;
use coop_store::sectors::SectorCatalog;

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

const ILLUSTRATIVE_OFFER: &str = "Illustrative offer derived from the report of the Moscow–Paris teleconference; not published by the company itself.";

/// (key, name, native name, kind, country, city, sectors, description)
type Org = (
    &'static str,
    &'static str,
    Option<&'static str>,
    CompanyKind,
    &'static str,
    Option<&'static str>,
    &'static [&'static str],
    &'static str,
);

const ORGANISATIONS: &[Org] = &[
    (
        "moscow-dfer",
        "Département des relations économiques extérieures et internationales du gouvernement de Moscou",
        Some("Департамент внешнеэкономических и международных связей города Москвы"),
        CompanyKind::GovernmentBody,
        "RU",
        Some("Moscow"),
        &["government"],
        "Organiser of the Moscow–Paris teleconference.",
    ),
    (
        "cci-france-russie",
        "CCI France Russie",
        None,
        CompanyKind::ChamberOfCommerce,
        "RU",
        Some("Moscow"),
        &["consulting", "investment"],
        "Supported the teleconference and organised follow-up meetings in Paris for the Moscow government and health department.",
    ),
    (
        "moscow-university-of-management",
        "Université de gestion du gouvernement de Moscou",
        Some("Московский городской университет управления Правительства Москвы"),
        CompanyKind::University,
        "RU",
        Some("Moscow"),
        &["education"],
        "Supported the teleconference and hosted the Moscow hall.",
    ),
    (
        "russian-trade-representation-france",
        "Représentation commerciale de la Russie en France",
        None,
        CompanyKind::GovernmentBody,
        "FR",
        Some("Paris"),
        &["government"],
        "Trade representation of the Russian Federation in France.",
    ),
    (
        "moscow-cci",
        "Chambre de commerce et d'industrie de Moscou",
        Some("Московская торгово-промышленная палата"),
        CompanyKind::ChamberOfCommerce,
        "RU",
        Some("Moscow"),
        &["consulting"],
        "Runs a marketplace where 1 400 cooperation offers between Moscow companies and foreign firms are presented.",
    ),
    (
        "skolkovo-foundation",
        "Fondation Skolkovo",
        Some("Фонд «Сколково»"),
        CompanyKind::Foundation,
        "RU",
        Some("Moscow"),
        &["research", "it", "investment"],
        "Innovation platform hosting 2 000 companies and residents, among them German, American, Italian, South Korean and French ones.",
    ),
    (
        "skolkovo-medical-cluster",
        "Cluster médical international de Skolkovo",
        Some("Международный медицинский кластер «Сколково»"),
        CompanyKind::Cluster,
        "RU",
        Some("Moscow"),
        &["healthcare", "biotech", "medtech"],
        "Wants to attract companies in biotechnology and medical IT.",
    ),
    (
        "orpea",
        "Orpea",
        None,
        CompanyKind::Company,
        "FR",
        None,
        &["healthcare"],
        "French company that entered the Russian market; building a rehabilitation centre on the site of the Skolkovo medical cluster.",
    ),
    (
        "orange-business-services",
        "Orange Business Services",
        None,
        CompanyKind::Company,
        "FR",
        None,
        &["it", "telecom", "smart-city"],
        "Presented its vision of IT infrastructure for cities, clusters and companies (\"Digital thinking\").",
    ),
    (
        "moscow-transport",
        "Ministère des Transports et du Développement des infrastructures de transport routier de la ville de Moscou",
        Some("Департамент транспорта и развития дорожно-транспортной инфраструктуры города Москвы"),
        CompanyKind::GovernmentBody,
        "RU",
        Some("Moscow"),
        &["transport", "mobility", "government"],
        "Requires an app for every sharing service; plans a single platform, moving.mos.",
    ),
    (
        "interact-software",
        "Interact Software",
        None,
        CompanyKind::Startup,
        "FR",
        None,
        &["it"],
        "French startup: can free up to 25% of IT resources of Russian cities and companies, raise the efficiency of the whole system and show that employees' work keeps to the set pace.",
    ),
    (
        "cargo-tech",
        "Cargo.Tech",
        None,
        CompanyKind::Startup,
        "RU",
        Some("Moscow"),
        &["logistics", "e-commerce"],
        "Logistics marketplace.",
    ),
    (
        "izi-travel",
        "izi.travel",
        None,
        CompanyKind::Startup,
        "RU",
        Some("Moscow"),
        &["tourism"],
        "Audio guides and audio city tours.",
    ),
    (
        "topfranchise",
        "TopFranchise.ru",
        None,
        CompanyKind::Startup,
        "RU",
        Some("Moscow"),
        &["franchising"],
        "Online catalogue of franchises for SMEs.",
    ),
    (
        "skoroda",
        "SkoroDA",
        Some("СкороДа"),
        CompanyKind::Startup,
        "RU",
        Some("Moscow"),
        &["construction"],
        "Production of autonomous modular buildings.",
    ),
    (
        "vr-expo",
        "VR-Expo",
        None,
        CompanyKind::Startup,
        "RU",
        Some("Moscow"),
        &["vr-ar"],
        "Remote attendance of exhibitions and interaction with exhibitors.",
    ),
    (
        "air-zetta",
        "AIR-ZETTA",
        None,
        CompanyKind::Startup,
        "RU",
        Some("Moscow"),
        &["aerospace", "mobility"],
        "Transport platform for the urban air vehicle.",
    ),
    (
        "exoatlet",
        "ExoAtlet",
        Some("ЭкзоАтлет"),
        CompanyKind::Startup,
        "RU",
        Some("Moscow"),
        &["medtech", "healthcare"],
        "Medical exoskeleton for the rehabilitation of patients with locomotor disorders of the lower limbs.",
    ),
    (
        "leonarda-service",
        "LEONARDA-SERVICE",
        None,
        CompanyKind::Startup,
        "RU",
        Some("Moscow"),
        &["medtech"],
        "Innovative medical products.",
    ),
    (
        "universite-normandie",
        "Université de Normandie (Rouen)",
        None,
        CompanyKind::University,
        "FR",
        Some("Rouen"),
        &["education", "research"],
        "Normandy university.",
    ),
    (
        "cpu",
        "Conférence des présidents d'université",
        None,
        CompanyKind::Association,
        "FR",
        Some("Paris"),
        &["education"],
        "Conference of French university presidents.",
    ),
    (
        "moscow-health",
        "Département de la santé de la ville de Moscou",
        Some("Департамент здравоохранения города Москвы"),
        CompanyKind::GovernmentBody,
        "RU",
        Some("Moscow"),
        &["healthcare", "pharma", "government"],
        "Preferential drug distribution in Moscow: 1 800 000 people, 385 pharmacies and 1 centre; France supplies 2% of the medicines.",
    ),
    (
        "french-tech-moscow",
        "French Tech Moscow",
        None,
        CompanyKind::Association,
        "RU",
        Some("Moscow"),
        &["it", "investment"],
        "Community of French tech entrepreneurs in Moscow.",
    ),
    (
        "mairie-de-paris",
        "Mairie de Paris",
        None,
        CompanyKind::GovernmentBody,
        "FR",
        Some("Paris"),
        &["government", "healthcare"],
        "Met the Moscow government and health department after the teleconference.",
    ),
];

/// (key, full name, native name, position, organisation key, country)
type Person = (
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static str,
    &'static str,
    &'static str,
);

const SPEAKERS: &[Person] = &[
    (
        "dridze",
        "Evgueny Dridzé",
        Some("Евгений Дридзе"),
        "Chef adjoint du département des relations économiques extérieures et internationales de la ville de Moscou",
        "moscow-dfer",
        "RU",
    ),
    (
        "makarov",
        "Mikhaïl Makarov",
        Some("Михаил Макаров"),
        "Représentant commercial de la Russie en France",
        "russian-trade-representation-france",
        "RU",
    ),
    (
        "fiveisky",
        "Vassili Fiveïsky",
        Some("Василий Фивейский"),
        "Recteur de l'Université de gestion du gouvernement de Moscou",
        "moscow-university-of-management",
        "RU",
    ),
    (
        "platonov",
        "Vladimir Platonov",
        Some("Владимир Платонов"),
        "Président de la Chambre de commerce et d'industrie de Moscou",
        "moscow-cci",
        "RU",
    ),
    (
        "romanov",
        "Maxim Romanov",
        Some("Максим Романов"),
        "Directeur du département de la coopération internationale de la fondation Skolkovo",
        "skolkovo-foundation",
        "RU",
    ),
    (
        "rakhmatoulline",
        "Raoul Rakhmatoulline",
        Some("Рауль Рахматуллин"),
        "Chef du département des projets du cluster médical international de Skolkovo",
        "skolkovo-medical-cluster",
        "RU",
    ),
    (
        "pankratov",
        "Nikita Pankratov",
        Some("Никита Панкратов"),
        "Directeur adjoint des solutions d'entreprise et de l'innovation chez Orange Business Services",
        "orange-business-services",
        "RU",
    ),
    (
        "kolgaev",
        "Magomed Kolgaev",
        Some("Магомед Колгаев"),
        "Représentant du ministère des Transports et du Développement des infrastructures de transport routier de la ville de Moscou",
        "moscow-transport",
        "RU",
    ),
    (
        "nahel",
        "Jean-Luc Nahel",
        None,
        "Président d'honneur de l'Université de Normandie (Rouen) et conseiller aux affaires internationales de la Conférence des présidents d'université de France",
        "cpu",
        "FR",
    ),
    (
        "ignatov",
        "Mikhaïl Ignatov",
        Some("Михаил Игнатов"),
        "Chef de la direction pharmaceutique du département de la santé de la ville de Moscou",
        "moscow-health",
        "RU",
    ),
    (
        "trousset",
        "Arnaud Trousset",
        None,
        "Président de French Tech Moscow",
        "french-tech-moscow",
        "RU",
    ),
    (
        "soutormina",
        "Lidia Soutormina",
        Some("Лидия Сутормина"),
        "Directrice des événements à la CCI France Russie",
        "cci-france-russie",
        "RU",
    ),
];

/// (key, title, description, start, end, speaker keys)
type Block = (
    &'static str,
    &'static str,
    &'static str,
    (u32, u32),
    (u32, u32),
    &'static [&'static str],
);

const AGENDA: &[Block] = &[
    (
        "introduction",
        "Introduction : la coopération franco-russe en économie et en enseignement",
        "Coopération qualifiée de « forte » et « efficace ». 170 entreprises à participation française à Moscou, 1 200 en Russie ; investissements français cumulés à Moscou : 4,5 Md USD ; 1 400 offres de coopération sur la marketplace de la CCI de Moscou.",
        (10, 0),
        (10, 45),
        &["dridze", "makarov", "fiveisky", "platonov"],
    ),
    (
        "skolkovo",
        "L'innovation sur la plateforme Skolkovo",
        "Skolkovo accueille 2 000 entreprises et résidents ; Orpea construit un centre de rééducation sur le site du cluster médical ; le cluster veut attirer les biotechnologies et la médecine IT.",
        (10, 45),
        (11, 15),
        &["romanov", "rakhmatoulline"],
    ),
    (
        "it-infrastructure",
        "Infrastructures IT pour les villes, les clusters et les entreprises",
        "Digital thinking : fusion du Systems thinking et du Design thinking ; monétisation des solutions.",
        (11, 15),
        (11, 40),
        &["pankratov"],
    ),
    (
        "sharing",
        "Les services de partage à Moscou",
        "5 000 vélos et 500 stations, 25 000 voitures et 3 000 trottinettes ; une application est exigée par la ville ; plateforme unique moving.mos à venir.",
        (11, 40),
        (12, 5),
        &["kolgaev"],
    ),
    (
        "startups",
        "Startups françaises et moscovites",
        "Interact Software ; Cargo.Tech, izi.travel, TopFranchise.ru, SkoroDA, VR-Expo, AIR-ZETTA, ExoAtlet, LEONARDA-SERVICE.",
        (12, 5),
        (13, 5),
        &[],
    ),
    (
        "universities",
        "Coopération universitaire",
        "Secteurs de la collaboration future : Big Data, gestion des villes et numérisation dans le domaine social.",
        (13, 5),
        (13, 25),
        &["nahel"],
    ),
    (
        "health",
        "La santé, partie essentielle du domaine social",
        "Système de distribution préférentielle de médicaments à Moscou : 1 800 000 personnes, 385 pharmacies et 1 centre ; la part de la France représente 2 % du volume total.",
        (13, 25),
        (14, 0),
        &["ignatov"],
    ),
];

/// (key, organisation key, kind, cooperation types, title, summary, sectors, target countries)
type Pitch = (
    &'static str,
    &'static str,
    OfferKind,
    Vec<CooperationType>,
    &'static str,
    &'static str,
    Vec<&'static str>,
    Vec<&'static str>,
);

const STARTUPS: &[&str] = &[
    "interact-software",
    "cargo-tech",
    "izi-travel",
    "topfranchise",
    "skoroda",
    "vr-expo",
    "air-zetta",
    "exoatlet",
    "leonarda-service",
];

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
            }
            .parse(&catalog, Errors::default())?
            .into_row(id(&format!("company:{key}")), now, now);
            rows += diesel::insert_into(companies::table).values(&row).on_conflict_do_nothing().execute(conn).await?;
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
            }
            .parse(Errors::default())?
            .into_row(id(&format!("speaker:{key}")), now, now);
            rows += diesel::insert_into(speakers::table).values(&row).on_conflict_do_nothing().execute(conn).await?;
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
        }
        .parse(&catalog, Errors::default())?
        .into_row(event_id, now, now);
        rows += diesel::insert_into(events::table).values(&event).on_conflict_do_nothing().execute(conn).await?;
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
        }
        .parse(&catalog, Errors::default())?
        .into_row(follow_up_id, now, now);
        rows += diesel::insert_into(events::table).values(&follow_up).on_conflict_do_nothing().execute(conn).await?;

        let venues = [
            Venue { id: id("venue:moscow"), event_id, name: "Université de gestion du gouvernement de Moscou".into(), address: None, city: "Moscow".into(), country: "RU".into(), timezone: "Europe/Moscow".into(), capacity: None, attendance: Some(150), created_at: now, updated_at: now },
            Venue { id: id("venue:paris"), event_id, name: "Aéro-Club de France".into(), address: Some("rue Galilée, Paris".into()), city: "Paris".into(), country: "FR".into(), timezone: "Europe/Paris".into(), capacity: None, attendance: Some(60), created_at: now + chrono::Duration::microseconds(1), updated_at: now },
            Venue { id: id("venue:follow-up"), event_id: follow_up_id, name: "Paris".into(), address: None, city: "Paris".into(), country: "FR".into(), timezone: "Europe/Paris".into(), capacity: None, attendance: None, created_at: now, updated_at: now },
        ];
        rows += diesel::insert_into(event_venues::table).values(&venues[..]).on_conflict_do_nothing().execute(conn).await?;

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
            rows += diesel::insert_into(event_sessions::table).values(&session).on_conflict_do_nothing().execute(conn).await?;
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
                rows += diesel::insert_into(event_speakers::table).values(&appearance).on_conflict_do_nothing().execute(conn).await?;
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
            rows += diesel::insert_into(event_speakers::table).values(&moderator).on_conflict_do_nothing().execute(conn).await?;
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
            rows += diesel::insert_into(event_participants::table).values(&participant).on_conflict_do_nothing().execute(conn).await?;
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
            }
            .parse(&catalog, Errors::default())?
            .into_row(id(&format!("offer:{key}")), now, now, None);
            rows += diesel::insert_into(cooperation_offers::table).values(&row).on_conflict_do_nothing().execute(conn).await?;
        }
        Ok(Seeded { rows })
    })
    .await
}

/// Whether the database holds no event yet (`serve --demo` seeds only then).
pub async fn is_empty(conn: &mut AsyncPgConnection) -> QueryResult<bool> {
    let count: i64 = events::table.count().get_result(conn).await?;
    Ok(count == 0)
}
