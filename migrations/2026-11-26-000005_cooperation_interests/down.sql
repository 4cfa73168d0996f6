DROP TABLE cooperation_interests;
