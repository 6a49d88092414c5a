import { Outlet } from "react-router";

export default function PublicLayout() {
  return (
    <main id="contenu" tabIndex={-1} className="mx-auto w-full max-w-6xl flex-1 px-4 py-10">
      <Outlet />
    </main>
  );
}

export { ErrorBoundary } from "~/ui/error-page";
