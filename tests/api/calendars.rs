//! Calendars: an event with its agenda, a filtered feed of events and a speaker's agenda, as
//! iCalendar that a calendar application (here the `icalendar` crate's parser) reads back.

use icalendar::{Calendar, CalendarComponent, Component, EventLike};
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, create, error_fields, id, spawn_app};

/// The teleconference of the report: two halls, two sessions (one in each city), a speaker in
/// the first session and a moderator of the whole event.
async fn seed(app: &TestApp) -> (String, String, String, String) {
    let event = create(
        app,
        "/api/v1/events",
        json!({"title": "Moscou : solutions numériques pour la ville et les entreprises",
               "description": "Téléconférence Moscou–Paris; startups, offres, coopération",
               "kind": "teleconference", "format": "hybrid", "status": "completed",
               "starts_at": "2019-11-14T10:00:00Z", "ends_at": "2019-11-14T14:00:00Z",
               "timezone": "Europe/Moscow", "sectors": ["smart-city", "it"]}),
    )
    .await;
    let base = format!("/api/v1/events/{}", id(&event));
    let moscow = create(app, &format!("{base}/venues"), json!({"name": "Moscow city government university of management", "city": "Moscow", "country": "RU", "timezone": "Europe/Moscow"})).await;
    let paris = create(app, &format!("{base}/venues"), json!({"name": "Aéro-Club de France", "address": "6 rue Galilée, 75116 Paris", "city": "Paris", "country": "FR", "timezone": "Europe/Paris"})).await;
    let opening = create(app, &format!("{base}/sessions"), json!({"title": "Introduction", "starts_at": "2019-11-14T10:00:00Z", "ends_at": "2019-11-14T10:45:00Z", "venue_id": id(&moscow), "position": 1})).await;
    create(app, &format!("{base}/sessions"), json!({"title": "Startups pitch", "starts_at": "2019-11-14T11:00:00Z", "ends_at": "2019-11-14T12:00:00Z", "venue_id": id(&paris), "position": 2})).await;
    let dridze = create(app, "/api/v1/speakers", json!({"full_name": "Evgueny Dridzé", "native_name": "Евгений Дридзе", "position": "Département des relations économiques de Moscou", "email": "private@example.org"})).await;
    let trousset = create(
        app,
        "/api/v1/speakers",
        json!({"full_name": "Arnaud Trousset", "position": "President, French Tech Moscow"}),
    )
    .await;
    create(
        app,
        &format!("{base}/speakers"),
        json!({"speaker_id": id(&dridze), "session_id": id(&opening), "role": "speaker"}),
    )
    .await;
    create(
        app,
        &format!("{base}/speakers"),
        json!({"speaker_id": id(&trousset), "role": "moderator"}),
    )
    .await;
    (id(&event), id(&opening), id(&dridze), id(&trousset))
}

async fn read(app: &TestApp, path: &str) -> (reqwest::header::HeaderMap, Calendar) {
    let response = app.anonymous().get(path).await;
    assert_eq!(response.status(), 200, "{path}");
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "text/calendar; charset=utf-8");
    let text = response.text().await.unwrap();
    assert!(text.starts_with("BEGIN:VCALENDAR\r\n"), "{text}");
    assert!(
        text.lines().all(|l| l.len() <= 75),
        "lines are folded: {text}"
    );
    let calendar: Calendar = text.parse().unwrap_or_else(|e| panic!("{e}: {text}"));
    (headers, calendar)
}

fn events(calendar: &Calendar) -> Vec<&icalendar::Event> {
    calendar
        .components
        .iter()
        .filter_map(|c| match c {
            CalendarComponent::Event(e) => Some(e),
            _ => None,
        })
        .collect()
}

fn by_uid<'a>(calendar: &'a Calendar, uid: &str) -> &'a icalendar::Event {
    events(calendar)
        .into_iter()
        .find(|e| e.get_uid() == Some(uid))
        .unwrap_or_else(|| panic!("no VEVENT {uid}"))
}

#[tokio::test]
async fn an_events_calendar_holds_the_event_and_its_sessions_with_venues_and_speakers() {
    let app = spawn_app().await;
    let (event, opening, _, _) = seed(&app).await;
    let (headers, calendar) = read(&app, &format!("/api/v1/events/{event}/calendar.ics")).await;
    assert_eq!(
        calendar.get_name(),
        Some("Moscou : solutions numériques pour la ville et les entreprises")
    );
    assert_eq!(events(&calendar).len(), 3, "the event and two sessions");

    let whole = by_uid(&calendar, &event);
    assert_eq!(
        whole.get_summary(),
        Some("Moscou : solutions numériques pour la ville et les entreprises")
    );
    assert_eq!(whole.property_value("DTSTART"), Some("20191114T100000Z"));
    assert_eq!(whole.property_value("DTEND"), Some("20191114T140000Z"));
    assert_eq!(
        whole.get_location(),
        Some(
            "Moscow city government university of management, Moscow, RU / Aéro-Club de France, 6 rue Galilée, 75116 Paris, Paris, FR"
        )
    );
    let description = whole.get_description().unwrap();
    // Punctuation that iCalendar escapes comes back as written.
    assert!(
        description.starts_with("Téléconférence Moscou–Paris; startups, offres, coopération"),
        "{description}"
    );
    assert!(description.contains("- Arnaud Trousset, President, French Tech Moscow"));
    assert!(description.contains("- Evgueny Dridzé (Евгений Дридзе)"));
    assert!(
        !description.contains("private@example.org"),
        "no contact details"
    );
    assert_eq!(whole.property_value("STATUS"), Some("CONFIRMED"));

    let session = by_uid(&calendar, &opening);
    assert_eq!(session.get_summary(), Some("Introduction"));
    assert_eq!(session.property_value("DTSTART"), Some("20191114T100000Z"));
    assert_eq!(session.property_value("DTEND"), Some("20191114T104500Z"));
    assert_eq!(
        session.get_location(),
        Some("Moscow city government university of management, Moscow, RU")
    );
    assert_eq!(session.property_value("RELATED-TO"), Some(event.as_str()));
    let description = session.get_description().unwrap();
    assert!(description.contains("Evgueny Dridzé"), "{description}");
    assert!(!description.contains("Trousset"), "{description}");

    // A calendar application polls with the ETag it holds.
    let etag = headers["etag"].clone();
    let again = app
        .anonymous()
        .request(
            reqwest::Method::GET,
            &format!("/api/v1/events/{event}/calendar.ics"),
        )
        .header("if-none-match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
}

#[tokio::test]
async fn a_speakers_calendar_holds_only_what_they_take_part_in() {
    let app = spawn_app().await;
    let (event, opening, dridze, trousset) = seed(&app).await;
    let (_, calendar) = read(&app, &format!("/api/v1/speakers/{dridze}/calendar.ics")).await;
    let uids: Vec<_> = events(&calendar)
        .iter()
        .map(|e| e.get_uid().unwrap())
        .collect();
    assert_eq!(uids, [opening.as_str()], "only the session he speaks in");
    // A moderator of the whole event has the event itself.
    let (_, calendar) = read(&app, &format!("/api/v1/speakers/{trousset}/calendar.ics")).await;
    let uids: Vec<_> = events(&calendar)
        .iter()
        .map(|e| e.get_uid().unwrap())
        .collect();
    assert_eq!(uids, [event.as_str()]);
    assert_problem(
        app.anonymous()
            .get("/api/v1/speakers/01900000-0000-7000-8000-000000000000/calendar.ics")
            .await,
        404,
    )
    .await;
}

#[tokio::test]
async fn the_events_calendar_takes_the_lists_filters_and_hides_drafts() {
    let app = spawn_app().await;
    let (event, _, _, _) = seed(&app).await;
    let draft = create(
        &app,
        "/api/v1/events",
        json!({"title": "Not announced yet", "kind": "conference", "format": "in_person", "status": "draft", "timezone": "Europe/Paris",
               "starts_at": "2020-03-01T09:00:00Z", "ends_at": "2020-03-01T17:00:00Z"}),
    )
    .await;
    let (_, calendar) = read(&app, "/api/v1/events/calendar.ics").await;
    let uids: Vec<_> = events(&calendar)
        .iter()
        .map(|e| e.get_uid().unwrap())
        .collect();
    assert!(uids.contains(&event.as_str()));
    assert!(
        !uids.contains(&id(&draft).as_str()),
        "a draft is not public"
    );
    let (_, calendar) = read(&app, "/api/v1/events/calendar.ics?country=RU").await;
    assert_eq!(events(&calendar).len(), 3);
    let (_, calendar) = read(&app, "/api/v1/events/calendar.ics?country=DE").await;
    assert!(
        events(&calendar).is_empty(),
        "an empty calendar is still one"
    );
    // Not paged: the list's paging parameters are refused; a draft's calendar is a 404.
    let problem = assert_problem(app.get("/api/v1/events/calendar.ics?limit=5").await, 400).await;
    assert_eq!(error_fields(&problem), ["limit"]);
    let response: Value = app
        .get(&format!("/api/v1/events/{}", id(&draft)))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(response["status"], "draft", "staff see the draft");
    assert_problem(
        app.anonymous()
            .get(&format!("/api/v1/events/{}/calendar.ics", id(&draft)))
            .await,
        404,
    )
    .await;
}
