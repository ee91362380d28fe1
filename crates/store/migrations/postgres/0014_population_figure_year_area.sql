-- An import checks what it would replace per chunk of figures: one vintage
-- and year, a range of area codes. The primary key starts with the area,
-- so with ten years stored that range walked every year's rows; this index
-- finds exactly the chunk's own. It also serves every (vintage, year)
-- query the old index did.
DROP INDEX population_figure_year;
CREATE INDEX population_figure_year_area ON population_figure (vintage, year, area);
