// @generated automatically by Diesel CLI.

diesel::table! {
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
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    sectors (code) {
        code -> Text,
        name -> Text,
        description -> Text,
    }
}

diesel::allow_tables_to_appear_in_same_query!(companies, sectors,);
