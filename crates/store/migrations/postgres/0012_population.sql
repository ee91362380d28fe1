-- Population figures per CBS area (or NL00 for the Netherlands), per year
-- and per vintage of the area definitions: CBS redraws buurten, so a code
-- means an area only together with its vintage. Values are thousandths
-- (core::population::Number); NULL is unknown (CBS's '.', hidden or not
-- published), never zero. Every figure keeps its source.
CREATE TABLE population_figure (
    area TEXT NOT NULL,
    vintage BIGINT NOT NULL,
    year BIGINT NOT NULL,
    indicator TEXT NOT NULL,
    value BIGINT,
    low BIGINT,
    high BIGINT,
    publisher TEXT NOT NULL,
    source_table TEXT NOT NULL,
    source_year BIGINT NOT NULL,
    PRIMARY KEY (area, vintage, year, indicator)
);
CREATE INDEX population_figure_year ON population_figure (vintage, year);

-- The theme rules as the regio-beheerder set them (JSON, core::population::
-- ThemeRule); without a row the shipped defaults apply. Each change is kept.
CREATE TABLE theme_rules_history (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    rules TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL
);
