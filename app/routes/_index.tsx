export default function Index() {
  return (
    <main className="kern-container">
      <h1 className="kern-heading-large">Bauantrag</h1>
    </main>
  );
}
