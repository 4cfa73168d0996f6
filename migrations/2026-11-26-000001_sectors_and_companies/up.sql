-- Trigram indexes make the free-text `q` filter an index scan instead of a sequential one.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- The controlled vocabulary of sectors. Read-only through the API; changed by migrations only.
CREATE TABLE sectors (
    code        text PRIMARY KEY CHECK (code ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    name        text NOT NULL,
    description text NOT NULL
);

INSERT INTO sectors (code, name, description) VALUES
    ('agrifood',        'Agriculture and food',           'Farming, food processing, agritech'),
    ('aerospace',       'Aerospace and aviation',         'Aircraft, urban air mobility, drones, space'),
    ('ai',              'Artificial intelligence',        'Machine learning, computer vision, language technology'),
    ('automotive',      'Automotive',                     'Vehicles, components, connected cars'),
    ('big-data',        'Big data and analytics',         'Data platforms, analytics, business intelligence'),
    ('biotech',         'Biotechnology',                  'Life-science research and biotechnology products'),
    ('construction',    'Construction',                   'Building, modular and prefabricated construction, engineering'),
    ('consulting',      'Consulting and legal services',  'Business, legal and market-entry advice'),
    ('creative',        'Media and creative industries',  'Media, design, publishing, entertainment'),
    ('cybersecurity',   'Cybersecurity',                  'Information security products and services'),
    ('e-commerce',      'E-commerce and marketplaces',    'Online retail, B2B and B2C marketplaces'),
    ('education',       'Education',                      'Universities, business schools, training, edtech'),
    ('energy',          'Energy',                         'Power, oil and gas, renewables, energy efficiency'),
    ('environment',     'Environment and cleantech',      'Waste, water, clean technology'),
    ('finance',         'Finance and fintech',            'Banking, payments, insurance, fintech'),
    ('franchising',     'Franchising',                    'Franchise networks and catalogues'),
    ('government',      'Public administration',          'Government services, e-government, govtech'),
    ('healthcare',      'Healthcare',                     'Hospitals, care services, rehabilitation, health IT'),
    ('it',              'Information technology',         'Software, IT services, cloud and infrastructure'),
    ('investment',      'Investment',                     'Venture capital, private equity, investment promotion'),
    ('logistics',       'Logistics',                      'Freight, warehousing, logistics platforms'),
    ('manufacturing',   'Manufacturing and industry',     'Industrial production, machinery, industry 4.0'),
    ('medtech',         'Medical technology',             'Medical devices, exoskeletons, diagnostics'),
    ('mobility',        'Mobility and sharing',           'Bike, car and scooter sharing, mobility platforms'),
    ('pharma',          'Pharmaceuticals',                'Medicines, drug distribution, pharmacies'),
    ('real-estate',     'Real estate',                    'Property development and management'),
    ('research',        'Research and development',       'Scientific research, R&D centres, technology transfer'),
    ('retail',          'Retail and consumer goods',      'Shops, consumer products, SMEs'),
    ('smart-city',      'Smart city',                     'Digital city services, urban management, city platforms'),
    ('telecom',         'Telecommunications',             'Networks, connectivity, telecom operators'),
    ('tourism',         'Tourism and travel',             'Travel services, city guides, hospitality'),
    ('transport',       'Transport',                      'Public transport, roads, transport infrastructure'),
    ('vr-ar',           'Virtual and augmented reality',  'VR/AR products, virtual exhibitions');

-- Any organisation: company, startup, public body, chamber, university, foundation, cluster...
CREATE TABLE companies (
    id          uuid PRIMARY KEY,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    native_name text CHECK (length(native_name) BETWEEN 1 AND 200),
    kind        text NOT NULL CHECK (kind IN ('company', 'startup', 'government_body',
                    'chamber_of_commerce', 'university', 'foundation', 'cluster',
                    'association', 'other')),
    country     text NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
    city        text CHECK (length(city) BETWEEN 1 AND 100),
    website     text CHECK (length(website) <= 2048),
    description text CHECK (length(description) <= 10000),
    sectors     text[] NOT NULL DEFAULT '{}',
    -- Lower-case ASCII transliteration of the name, the sort key of `sort=name`.
    sort_name   text NOT NULL,
    -- Lower-case ASCII transliteration of name and native name, matched by `q`.
    search_text text NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);

CREATE INDEX companies_sort_name_idx ON companies (sort_name, id);
CREATE INDEX companies_created_at_idx ON companies (created_at, id);
CREATE INDEX companies_country_idx ON companies (country, sort_name, id);
CREATE INDEX companies_kind_idx ON companies (kind, sort_name, id);
CREATE INDEX companies_sectors_idx ON companies USING gin (sectors);
CREATE INDEX companies_search_text_idx ON companies USING gin (search_text gin_trgm_ops);
