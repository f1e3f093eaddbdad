// Starts Swagger UI on Lobby's own OpenAPI document (no network beyond this server).
window.addEventListener('load', () => {
  window.ui = SwaggerUIBundle({
    url: '/api/docs/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    tagsSorter: undefined, // keep the document's order: Visitors, Sessions, Messages, ...
  });
});
