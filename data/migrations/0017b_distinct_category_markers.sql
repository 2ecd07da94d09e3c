-- Three shipped categories looked alike when the timeline is drawn small (circle, hexagon,
-- pentagon): Looked after and placement becomes a four-pointed star (star-square) and Child in
-- need and early help a three-pointed one (star-triangle-up), as in data/category_list.py.
-- Matched by the shipped marker (a category may have been renamed), and only where no other
-- category (one an administrator added) already has the new marker: a marker is never shared.
UPDATE categories SET symbol = 'star-square'
WHERE symbol = 'hexagon'
  AND NOT EXISTS (SELECT 1 FROM categories WHERE symbol = 'star-square');
UPDATE categories SET symbol = 'star-triangle-up'
WHERE symbol = 'pentagon'
  AND NOT EXISTS (SELECT 1 FROM categories WHERE symbol = 'star-triangle-up');
