-- Categories an administrator added took round spare markers (pentagon, hexagon, octagon,
-- hexagon2) that read as the circle when the timeline is drawn small. Each moves to the first
-- spare marker of data/category_list.py no category uses (a marker is never shared). Plain
-- crossed ones (square-x...) stay: they are now drawn with a white cross.
UPDATE categories SET symbol = moved.symbol
FROM (
    SELECT round_one.name, free.symbol
    FROM (
        SELECT name, row_number() OVER (ORDER BY position) AS n FROM categories
        WHERE symbol IN ('pentagon', 'hexagon', 'octagon', 'hexagon2')
    ) round_one
    JOIN (
        SELECT symbol, row_number() OVER (ORDER BY rank) AS n
        FROM (VALUES ('hexagram', 1), ('star-triangle-down', 2), ('square-x', 3),
                     ('circle-x', 4), ('diamond-x', 5), ('square-cross', 6),
                     ('circle-cross', 7), ('diamond-cross', 8), ('triangle-ne', 9),
                     ('triangle-sw', 10), ('triangle-nw', 11), ('triangle-se', 12))
             AS spare(symbol, rank)
        WHERE symbol NOT IN (SELECT symbol FROM categories)
    ) free USING (n)
) moved
WHERE categories.name = moved.name;
