SELECT region, rep, sum(amount) AS total,
       row_number() OVER (PARTITION BY region ORDER BY sum(amount) DESC) AS place
FROM sales
GROUP BY region, rep
ORDER BY region, place, rep;
