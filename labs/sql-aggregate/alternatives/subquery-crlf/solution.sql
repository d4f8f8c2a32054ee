/* Aggregate in a subquery, filter outside it; old-style joins. */
SELECT NAME, BUYERS, UNITS, REVENUE
  FROM (SELECT P.NAME,
               COUNT(DISTINCT O.CUSTOMER_ID)  AS BUYERS,
               SUM(I.QUANTITY)::INTEGER       AS UNITS,
               ROUND(SUM(I.UNIT_PRICE * I.QUANTITY), 2) AS REVENUE
          FROM PRODUCTS P, ORDER_ITEMS I, ORDERS O
         WHERE I.PRODUCT_ID = P.ID
           AND O.ID = I.ORDER_ID
         GROUP BY P.ID, P.NAME) AS PER_PRODUCT
 WHERE BUYERS >= 2
 ORDER BY 4 DESC, 1
