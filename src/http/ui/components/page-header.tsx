export interface Crumb {
  label: string;
  href: string;
}

export function PageHeader(props: {
  title: string;
  crumbs?: Crumb[];
  subtitle?: string | undefined;
  actions?: JSX.Element;
  titleAside?: JSX.Element;
}) {
  return (
    <div class="page-header">
      <div class="page-heading">
        {props.crumbs && props.crumbs.length > 0 && (
          <nav class="breadcrumbs" aria-label="Breadcrumb">
            <ol>
              {props.crumbs.map((crumb) => (
                <li>
                  <a href={crumb.href} safe>
                    {crumb.label}
                  </a>
                </li>
              ))}
            </ol>
          </nav>
        )}
        <div class="title-row">
          <h1 safe>{props.title}</h1>
          {props.titleAside ?? ''}
        </div>
        {props.subtitle && (
          <p class="subtitle" safe>
            {props.subtitle}
          </p>
        )}
      </div>
      {props.actions && <div class="page-actions">{props.actions}</div>}
    </div>
  );
}
