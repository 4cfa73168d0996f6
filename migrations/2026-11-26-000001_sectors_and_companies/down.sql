DROP TABLE companies;
DROP TABLE sectors;
