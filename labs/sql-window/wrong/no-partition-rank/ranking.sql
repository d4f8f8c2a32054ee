SELECT region, rep, sum(amount) AS total,
       rank() OVER (ORDER BY sum(amount) DESC) AS place
FROM sales
GROUP BY region, rep
ORDER BY region, place, rep;
