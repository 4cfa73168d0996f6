// The diesel table definitions, in the form `diesel print-schema` produces (see diesel.toml);
// keep them in step with migrations/.

diesel::table! {
    api_keys (id) {
        id -> Uuid,
        prefix -> Text,
        secret_hash -> Bytea,
        name -> Text,
        role -> Text,
        company_id -> Nullable<Uuid>,
        expires_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        last_used_at -> Nullable<Timestamptz>,
        revoked_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    changes (seq) {
        seq -> Int8,
        position -> Nullable<Int8>,
        resource_type -> Text,
        resource_id -> Uuid,
        parent_id -> Nullable<Uuid>,
        operation -> Text,
        version -> Timestamptz,
        changed_at -> Timestamptz,
        public_before -> Bool,
        public_after -> Bool,
        audience -> Array<Uuid>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::search_sql::TsVector;

    companies (id) {
        id -> Uuid,
        name -> Text,
        native_name -> Nullable<Text>,
        kind -> Text,
        country -> Text,
        city -> Nullable<Text>,
        website -> Nullable<Text>,
        description -> Nullable<Text>,
        sectors -> Array<Text>,
        sort_name -> Text,
        search_text -> Text,
        search_body -> Text,
        name_vector -> TsVector,
        search_vector -> TsVector,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        external_id -> Nullable<Text>,
        item -> Text,
    }
}

diesel::table! {
    cooperation_interests (id) {
        id -> Uuid,
        offer_id -> Uuid,
        company_id -> Uuid,
        message -> Text,
        contact_name -> Text,
        contact_email -> Nullable<Text>,
        contact_phone -> Nullable<Text>,
        status -> Text,
        reply -> Nullable<Text>,
        owner_contact_name -> Nullable<Text>,
        owner_contact_email -> Nullable<Text>,
        owner_contact_phone -> Nullable<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        decided_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    cooperation_offer_markets (sector, target_country, created_at, offer_id) {
        sector -> Text,
        target_country -> Text,
        created_at -> Timestamptz,
        offer_id -> Uuid,
        valid_until -> Nullable<Date>,
        kind -> Text,
        company_id -> Uuid,
        sectors -> Array<Text>,
        cooperation_types -> Array<Text>,
        target_countries -> Array<Text>,
        item -> Text,
    }
}

diesel::table! {
    cooperation_offer_origins (offer_id) {
        offer_id -> Uuid,
        company_country -> Text,
        created_at -> Timestamptz,
        valid_until -> Nullable<Date>,
        item -> Text,
    }
}

diesel::table! {
    cooperation_offer_sectors (sector, created_at, offer_id) {
        sector -> Text,
        created_at -> Timestamptz,
        offer_id -> Uuid,
        kind -> Text,
        company_id -> Uuid,
        valid_until -> Nullable<Date>,
        sectors -> Array<Text>,
        cooperation_types -> Array<Text>,
        target_countries -> Array<Text>,
        item -> Text,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::search_sql::TsVector;

    cooperation_offers (id) {
        id -> Uuid,
        company_id -> Uuid,
        kind -> Text,
        cooperation_types -> Array<Text>,
        title -> Text,
        summary -> Nullable<Text>,
        description -> Nullable<Text>,
        sectors -> Array<Text>,
        target_countries -> Array<Text>,
        language -> Nullable<Text>,
        status -> Text,
        published_at -> Nullable<Timestamptz>,
        valid_until -> Nullable<Date>,
        event_id -> Nullable<Uuid>,
        search_text -> Text,
        search_body -> Text,
        name_vector -> TsVector,
        search_vector -> TsVector,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        external_id -> Nullable<Text>,
    }
}

diesel::table! {
    event_participants (id) {
        id -> Uuid,
        event_id -> Uuid,
        company_id -> Uuid,
        role -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    event_places (event_id, country) {
        event_id -> Uuid,
        country -> Text,
        starts_at -> Timestamptz,
        venues -> Int4,
    }
}

diesel::table! {
    event_sessions (id) {
        id -> Uuid,
        event_id -> Uuid,
        venue_id -> Nullable<Uuid>,
        title -> Text,
        description -> Nullable<Text>,
        starts_at -> Timestamptz,
        ends_at -> Timestamptz,
        position -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    event_speakers (id) {
        id -> Uuid,
        event_id -> Uuid,
        speaker_id -> Uuid,
        session_id -> Nullable<Uuid>,
        role -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    event_venues (id) {
        id -> Uuid,
        event_id -> Uuid,
        name -> Text,
        address -> Nullable<Text>,
        city -> Text,
        country -> Text,
        timezone -> Text,
        capacity -> Nullable<Int4>,
        attendance -> Nullable<Int4>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::search_sql::TsVector;

    events (id) {
        id -> Uuid,
        title -> Text,
        description -> Nullable<Text>,
        kind -> Text,
        format -> Text,
        status -> Text,
        starts_at -> Timestamptz,
        ends_at -> Timestamptz,
        timezone -> Text,
        languages -> Array<Text>,
        sectors -> Array<Text>,
        search_text -> Text,
        search_body -> Text,
        name_vector -> TsVector,
        search_vector -> TsVector,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        external_id -> Nullable<Text>,
        item -> Text,
    }
}

diesel::table! {
    idempotency_keys (api_key_id, key) {
        api_key_id -> Uuid,
        key -> Text,
        request_hash -> Bytea,
        locked_until -> Nullable<Timestamptz>,
        carried_out -> Bool,
        resource_type -> Nullable<Text>,
        resource_id -> Nullable<Uuid>,
        parent_id -> Nullable<Uuid>,
        status -> Nullable<Int2>,
        headers -> Nullable<Jsonb>,
        body -> Nullable<Bytea>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    sectors (code) {
        code -> Text,
        name -> Text,
        description -> Text,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::search_sql::TsVector;

    speakers (id) {
        id -> Uuid,
        full_name -> Text,
        native_name -> Nullable<Text>,
        position -> Nullable<Text>,
        company_id -> Nullable<Uuid>,
        country -> Nullable<Text>,
        bio -> Nullable<Text>,
        links -> Array<Text>,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        sort_name -> Text,
        search_text -> Text,
        search_body -> Text,
        name_vector -> TsVector,
        search_vector -> TsVector,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        external_id -> Nullable<Text>,
        item -> Text,
    }
}

diesel::table! {
    webhook_attempts (delivery_id, attempt) {
        delivery_id -> Uuid,
        attempt -> Int4,
        attempted_at -> Timestamptz,
        status -> Nullable<Int2>,
        latency_ms -> Int4,
        error -> Nullable<Text>,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> Uuid,
        webhook_id -> Uuid,
        position -> Int8,
        event_type -> Text,
        payload -> Jsonb,
        state -> Text,
        attempts -> Int4,
        next_attempt_at -> Nullable<Timestamptz>,
        first_attempt_at -> Nullable<Timestamptz>,
        last_attempt_at -> Nullable<Timestamptz>,
        last_status -> Nullable<Int2>,
        last_error -> Nullable<Text>,
        last_latency_ms -> Nullable<Int4>,
        created_at -> Timestamptz,
        delivered_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    webhooks (id) {
        id -> Uuid,
        company_id -> Nullable<Uuid>,
        url -> Text,
        types -> Array<Text>,
        description -> Nullable<Text>,
        active -> Bool,
        disabled_reason -> Nullable<Text>,
        secret -> Text,
        previous_secret -> Nullable<Text>,
        previous_secret_until -> Nullable<Timestamptz>,
        position -> Int8,
        delivering_until -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::joinable!(api_keys -> companies (company_id));
diesel::joinable!(idempotency_keys -> api_keys (api_key_id));
diesel::joinable!(cooperation_interests -> companies (company_id));
diesel::joinable!(cooperation_interests -> cooperation_offers (offer_id));
diesel::joinable!(cooperation_offers -> companies (company_id));
diesel::joinable!(cooperation_offers -> events (event_id));
diesel::joinable!(event_participants -> companies (company_id));
diesel::joinable!(event_participants -> events (event_id));
diesel::joinable!(event_sessions -> events (event_id));
diesel::joinable!(event_speakers -> events (event_id));
diesel::joinable!(event_speakers -> speakers (speaker_id));
diesel::joinable!(event_venues -> events (event_id));
diesel::joinable!(speakers -> companies (company_id));
diesel::joinable!(webhook_attempts -> webhook_deliveries (delivery_id));
diesel::joinable!(webhook_deliveries -> webhooks (webhook_id));
diesel::joinable!(webhooks -> companies (company_id));

diesel::allow_tables_to_appear_in_same_query!(
    api_keys,
    changes,
    companies,
    cooperation_interests,
    cooperation_offer_markets,
    cooperation_offer_origins,
    cooperation_offer_sectors,
    cooperation_offers,
    event_participants,
    event_places,
    event_sessions,
    event_speakers,
    event_venues,
    events,
    idempotency_keys,
    sectors,
    speakers,
    webhook_attempts,
    webhook_deliveries,
    webhooks,
);
