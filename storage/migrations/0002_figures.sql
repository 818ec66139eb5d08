-- Figures: every number an article states, as extractors/figures.py reads it.
-- figures.article_id -> articles.id (documented, not declared; see 0001).
-- Articles stored before this migration have no figures rows until they are ingested again.

CREATE TABLE figures (
    article_id    BIGINT NOT NULL,
    position      INTEGER NOT NULL,   -- 0, 1, 2 ... in text order
    value         DOUBLE NOT NULL,    -- the number as written, scaled ("2,8 Millionen" -> 2800000)
    low           DOUBLE,             -- interval the wording allows; NULL = unbounded below
    high          DOUBLE,             -- NULL = unbounded above
    vague         BOOLEAN NOT NULL,   -- "Tausende", "several hundred"
    qualifier     VARCHAR,            -- hedge as written: "etwa", "mindestens", "up to"
    text          VARCHAR NOT NULL,   -- the figure as written, hedge to counted noun
    start_offset  INTEGER NOT NULL,   -- where `text` starts in articles.text (characters)
    end_offset    INTEGER NOT NULL,
    sentence      VARCHAR NOT NULL,
    noun          VARCHAR,            -- counted noun as written: "Artilleriegranaten"
    measure       VARCHAR,            -- troops, officers, artillery_shells, killed, money, percent ...
    unit          VARCHAR,            -- USD, EUR, %, km, t, year ...
    rate          VARCHAR,            -- year | month | week | day ("pro Jahr"), NULL for totals
    part_of       VARCHAR,            -- "darunter", "including" when the figure is a subset
    attribution   VARCHAR,            -- "laut ukrainischen Angaben", "according to the Pentagon"
    date_hint     VARCHAR,            -- date the sentence names: 2024-10-14 or 2024-07
    PRIMARY KEY (article_id, position)
);

CREATE INDEX figures_measure ON figures (measure);
